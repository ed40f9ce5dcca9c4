{% macro one(a) %}{{ a }}{% endmacro %}
{{ one(1, 2) }}
