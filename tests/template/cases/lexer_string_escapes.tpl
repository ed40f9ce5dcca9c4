{{ '\x41\u00e9\U0001F600' }} {{ "\\" }} {{ '\'' ~ "\"" }} {{ 'a\
b' }} {{ 'tab\tnew\nline'|length }} {{ '\\n'|length }}
