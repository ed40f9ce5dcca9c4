{% for dispatcher, items in results.results|selectattr('dispatcher', 'defined')|groupby('dispatcher') %}
{{ dispatcher }}: {{ items|map(attribute='filename')|unique|join(', ') }}
{% else %}
nothing was dispatched
{% endfor %}
roots: {{ results.results|rejectattr('dispatcher', 'defined')|map(attribute='payload_id')|join(', ') or '-' }}
