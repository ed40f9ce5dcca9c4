{% set a, b = 1, 2 %}
{% set (x, y) = ['first', 'second'] %}
{{ a }} {{ b }} {{ x }} {{ y }}
{% set a, b = b, a %}
{{ a }} {{ b }}
