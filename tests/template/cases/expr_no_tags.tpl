plain text only
with two lines
