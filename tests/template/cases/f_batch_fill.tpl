{% for row in [1, 2, 3, 4, 5]|batch(2, '-') %}
{{ row|join(' ') }}
{% endfor %}
{% for row in results.results|map(attribute='payload_id')|batch(3, 'x') %}
{{ row }}
{% endfor %}
