{% for r in results.results %}
{{ r.plugin }}
