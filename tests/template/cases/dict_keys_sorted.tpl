{% for r in results.results if r.scan is mapping %}
{{ r.plugin }}: {{ r.scan.keys()|sort|join(', ') }}
{% endfor %}
