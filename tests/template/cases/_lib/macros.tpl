{% macro badge(text, level='info') -%}
[{{ level|upper }}] {{ text }}
{%- endmacro %}
{% macro row(cells, sep=' | ') -%}
| {{ cells|join(sep) }} |
{%- endmacro %}
{% macro hashes(r) %}
md5={{ r.md5 }} sha1={{ r.sha1 }}
{% endmacro %}
{% set title = 'stoQ macro library' %}
{% set version = 2 %}
