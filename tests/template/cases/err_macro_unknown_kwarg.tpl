{% macro one(a) %}{{ a }}{% endmacro %}
{{ one(a=1, b=2) }}
