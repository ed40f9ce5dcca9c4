{{ 1 + 2 }} {{ 10 - 15 }} {{ 6 * 7 }} {{ results.payloads + 1 }} {{ results.payloads * 2 }}
{% for r in results.results %}
{{ r.payload_id }}: size={{ r.size }} kib={{ r.size // 1024 }} rest={{ r.size % 1024 }}
{% endfor %}
