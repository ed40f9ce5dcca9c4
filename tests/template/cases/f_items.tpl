{% for k, v in results.plugins|items %}
{{ k }}: {{ v }}
{% endfor %}
{{ {'a': 1}|items|list }} {{ nothing|items|list }}
