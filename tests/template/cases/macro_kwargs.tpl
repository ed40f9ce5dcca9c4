{% macro report(title, tlp='white', show_count=false, count=0) -%}
{{ title }} [TLP:{{ tlp|upper }}]{% if show_count %} count={{ count }}{% endif %}
{%- endmacro %}
{{ report('Daily', show_count=true, count=results.payloads) }}
{{ report(title='Named', tlp=results.tlp|default('green', true)) }}
{{ report('Mixed', 'red', count=3, show_count=true) }}
