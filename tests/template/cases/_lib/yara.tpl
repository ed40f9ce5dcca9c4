{% macro severity(match) -%}
{% set s = match.meta.severity|default(0) %}
{%- if s is none %}unknown{% elif s >= 4 %}critical{% elif s >= 3 %}high{% elif s >= 2 %}medium{% else %}low{% endif %}
{%- endmacro %}
{% macro summary(match) -%}
{{ match.rule }} ({{ severity(match) }}, {{ match.strings|length }} string(s))
{%- endmacro %}
