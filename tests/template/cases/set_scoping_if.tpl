{% if results.payloads %}
{% set verdict = 'has payloads' %}
{% else %}
{% set verdict = 'empty' %}
{% endif %}
{{ verdict }}
