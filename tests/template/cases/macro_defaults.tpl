{% macro field(name, value='n/a', width=10) -%}
{{ name }}{{ ' ' * (width - name|length) }}: {{ value }}
{%- endmacro %}
{{ field('tlp', results.tlp) }}
{{ field('payloads') }}
{{ field('date', results.date, 6) }}
{{ field('x', width=4) }}
