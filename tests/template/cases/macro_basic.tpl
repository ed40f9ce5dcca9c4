{% macro hashline(r) -%}
{{ r.payload_id }} {{ r.md5|default('-') }}
{%- endmacro %}
{% for r in results.results %}
{{ hashline(r) }}
{% endfor %}
