{{ 'one two  three'|wordcount }} {{ ''|wordcount }} {{ 'hello, world! it\'s me'|wordcount }} {{ 'a-b c_d'|wordcount }}
{{ (results.results|first).filename|default('')|wordcount if results.results else 0 }}
