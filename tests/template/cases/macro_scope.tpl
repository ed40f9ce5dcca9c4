{% set prefix = 'PFX' %}
{% macro show(item) -%}
{{ prefix }}:{{ item }}:{{ results.tlp }}
{%- endmacro %}
{% for r in results.results %}
{% set prefix = 'loop-local' %}
{{ show(r.plugin) }}
{% endfor %}
