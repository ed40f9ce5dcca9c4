{{ 'The quick brown fox jumps over the lazy dog'|truncate(20, true) }}
{{ 'The quick brown fox jumps over the lazy dog'|truncate(20, killwords=false, end='…') }}
{{ 'The quick brown fox jumps over the lazy dog'|truncate(24, end='') }}
{{ 'The quick brown fox jumps'|truncate(22, leeway=0) }}
{{ 'The quick brown fox jumps'|truncate(22, leeway=5) }}
{{ 'abcdefghijklmnopqrstuvwxyz'|truncate(10, true, '>>') }}
