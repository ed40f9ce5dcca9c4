{% macro m() %}{{ caller() }}{% endmacro %}
{{ m() }}
