{{ 'a\n\nb'|indent(2, true) }}|
{{ 'a\n\nb'|indent(2, first=true, blank=true) }}|
{{ 'a\n  \nb\n'|indent(width=3, blank=true) }}|
{{ 'x\ny'|indent('> ') }}|
{{ 'x\ny'|indent('> ', true) }}|
