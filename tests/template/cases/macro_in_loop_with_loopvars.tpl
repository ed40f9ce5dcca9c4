{% macro item(r, n, total) -%}
({{ n }}/{{ total }}) {{ r.plugin }}
{%- endmacro %}
{% for r in results.results %}
{{ item(r, loop.index, loop.length) }}
{% endfor %}
