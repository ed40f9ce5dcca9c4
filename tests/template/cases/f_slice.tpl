{% for col in [1, 2, 3, 4, 5, 6, 7]|slice(3) %}
{{ col }}
{% endfor %}
{{ [1, 2, 3, 4, 5]|slice(2, 0)|list }} {{ []|slice(2)|list }}
{{ results.results|map(attribute='payload_id')|slice(2)|list }}
