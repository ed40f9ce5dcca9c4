{% set big = results.results|max(attribute='size') %}
{% set small = results.results|min(attribute='size') %}
largest: {{ big.filename|default('-', true) if big else 'none' }} ({{ big.size if big else 0 }})
smallest: {{ small.payload_id if small else 'none' }}
