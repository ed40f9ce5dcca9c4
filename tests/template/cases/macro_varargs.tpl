{% macro tags() -%}
{{ varargs|length }}: {{ varargs|join(', ') }}{% if kwargs %} {{ kwargs|dictsort }}{% endif %}
{%- endmacro %}
{{ tags('a', 'b', 'c') }}
{{ tags() }}
{{ tags('x', sev=3, src='yara') }}
{% macro pair(a, b=2) -%}
{{ a }}+{{ b }} rest={{ varargs }}
{%- endmacro %}
{{ pair(1) }} {{ pair(1, 3, 5, 7) }}
