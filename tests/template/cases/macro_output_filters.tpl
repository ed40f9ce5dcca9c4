{% macro name(r) %}{{ r.filename|default('unnamed', true) }}{% endmacro %}
{% for r in results.results %}
{{ name(r)|upper }} {{ name(r)|length }} {{ name(r) ~ '!' }}
{% endfor %}
