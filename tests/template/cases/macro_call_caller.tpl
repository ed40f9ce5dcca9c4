{% macro section(title) -%}
=== {{ title }} ===
{{ caller() }}
=== end {{ title }} ===
{%- endmacro %}
{% call section('Payloads') %}
{% for r in results.results %}
  {{ r.payload_id }}: {{ r.plugin }}
{% endfor %}
{% endcall %}
