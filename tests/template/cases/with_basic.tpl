{% with first = results.results|first if results.results else {}, n = results.payloads %}
{{ first.plugin|default('none') }} of {{ n }}
{% endwith %}
[{{ n }}]
