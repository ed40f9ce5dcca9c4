{% macro tag(t) %}[{{ t }}]
{% endmacro %}
{% macro tight(t) -%}
[{{ t }}]
{%- endmacro %}
before {{ tag('a') }} after
before {{ tight('b') }} after
{% for r in results.results %}{{ tag(r.plugin) }}{% endfor %}
