{{ not 1 == 2 }} {{ not results is defined }} {{ 'a' ~ 'b' if true else 'c' }} {{ nothing|default('a') ~ 'b' }}
{{ 6 is divisibleby 3 and 6 > 0 }} {{ 4 is divisibleby(3) or 4 is even }} {{ (results.results|sort(attribute='payload_id')|first).payload_id if results.results else '-' }}
{{ [3, 1, 2]|sort|first }} {{ ([3, 1, 2]|sort)[-1] }} {{ 1 + [1, 2]|length * 2 }} {{ -([1, 2]|length) }} {{ 'abc'|upper|lower|title }}
