{#- Widths and precisions far beyond the old silent clamps (center 2^20, indent 2^16,
    tojson indent 64, float precision 100) are honoured exactly, as in Jinja2. -#}
{{ [1, {'a': 2}]|tojson(indent=70) }}
{{ [1]|tojson(indent=-2) }}
{{ 'x'|center(3000)|length }} {{ ('x'|center(3000))[1499:1502] }}
{{ '%.150f' % 0.5 }}
{{ '%.120e' % 1e300 }}
{{ '%.20f' % 1e300 }}
{{ '%200d|%-150s|' % (7, 'left') }}
{{ '%*d|%-*d|' % (120, 3, 130, 4) }}
{{ '%.1000000000s' % 'abc' }}
{{ 'ab\ncd'|indent(100, true) }}
{{ [1, 2, 3]|batch(0)|list }} {{ [1, 2, 3]|batch(-1)|list }}
{{ 'abc def ghi'|truncate(10**18) }}|{{ 'abc def'|wordwrap(10**18) }}
{{ 'x'.rjust(200, '-') }}{{ '7'.zfill(150) }}
