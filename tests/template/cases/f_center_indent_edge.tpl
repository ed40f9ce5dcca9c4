[{{ 'ab'|center(7) }}] [{{ 'abc'|center(6) }}] [{{ '日本'|center(6) }}] [{{ 'x'|center(0) }}]
[{{ ''|indent(4, true) }}] [{{ 'a\r\nb'|indent(2) }}] [{{ 'a\n'|indent(2, true) }}] [{{ 'a\n\n'|indent(2, true, true) }}]
