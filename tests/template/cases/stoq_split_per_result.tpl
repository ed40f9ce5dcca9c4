{% for r in results.results %}
{{ {'date': results.date|default(none), 'payloads': results.payloads, 'results': [r]}|tojson }}
{% endfor %}
