{{ 'aaaa'|replace('a', 'b', 0) }} {{ 'aaaa'|replace('a', 'b', -1) }} {{ 'aaaa'|replace('aa', 'a') }} {{ ''|replace('', 'x') }} {{ 'été'|replace('é', 'e') }} {{ 123|replace('2', '-') }}
