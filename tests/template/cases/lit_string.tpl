{{ 'single' }} {{ "double" }} {{ 'it\'s' }} {{ "say \"hi\"" }}
{{ 'tab:\t|' }} {{ 'newline:\n|' }} {{ 'backslash:\\|' }}
{{ 'adjacent' 'strings' }} {{ "unicode: \u00e9" }}
