{% macro tree(value, depth=0) -%}
{% if value is mapping %}
{% for k, v in value.items() %}
{{ '  ' * depth }}{{ k }}:
{{ tree(v, depth + 1) }}
{% endfor %}
{% elif value is iterable and value is not string %}
{% for v in value %}
{{ '  ' * depth }}-
{{ tree(v, depth + 1) }}
{% endfor %}
{% else %}
{{ '  ' * depth }}{{ value }}
{% endif %}
{%- endmacro %}
{% for r in results.results if r.plugin in ['hash', 'peinfo', 'entropy'] %}
{{ tree(r.scan) }}
{% endfor %}
