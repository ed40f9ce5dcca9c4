{% macro line(x) %}
  item {{ x }}
{% endmacro %}
[{{ line(1) }}]
{% macro tight(x) -%}
  item {{ x }}
{%- endmacro %}
[{{ tight(2) }}]
