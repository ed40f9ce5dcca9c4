{% for r in results.results %}
{{ r.plugin }}: {{ r.scan }}
{% endfor %}
