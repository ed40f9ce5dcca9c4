{% if results.payloads %}
payloads
