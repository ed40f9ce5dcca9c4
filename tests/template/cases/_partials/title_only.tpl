title={{ title|default('untitled') }} results defined={{ results is defined }}
