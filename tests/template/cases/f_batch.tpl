{% for row in [1, 2, 3, 4, 5, 6, 7]|batch(3) %}
{{ row }}
{% endfor %}
{% for row in results.results|batch(2) %}
{{ row|map(attribute='plugin')|join(' + ') }}
{% endfor %}
