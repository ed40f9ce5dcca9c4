{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 1 < 3 > 2 }} {{ 1 == 1 == 1 }}
{% for r in results.results %}
{{ r.payload_id }}: {{ 0 <= r.size < 10000 }}
{% endfor %}
