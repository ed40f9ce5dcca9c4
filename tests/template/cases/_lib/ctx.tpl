{% macro show_tlp() -%}
tlp={{ results.tlp|default('unset') }} payloads={{ results.payloads }}
{%- endmacro %}
{% macro show_defined() -%}
results defined={{ results is defined }} tlp=[{{ results.tlp if results is defined else 'n/a' }}]
{%- endmacro %}
