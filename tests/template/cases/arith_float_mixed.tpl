{{ 1 + 1.0 }} {{ 0.1 * 3 }} {{ 3 - 0.5 }} {{ 2 * 2.5 }} {{ 1.0 - 1 }} {{ 1e16 + 1 }}
{% for r in results.results %}
{{ r.size / 1024 }} {{ (r.size / 1024)|round(2) }}
{% endfor %}
