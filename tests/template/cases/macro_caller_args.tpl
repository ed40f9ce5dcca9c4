{% macro each_match(results_list) -%}
{% for r in results_list if r.plugin == 'yara' %}
{% for m in r.scan %}
{{ caller(m, r.payload_id) }}
{% endfor %}
{% endfor %}
{%- endmacro %}
{% call(m, pid) each_match(results.results) -%}
payload {{ pid }} matched {{ m.rule }}
{%- endcall %}
