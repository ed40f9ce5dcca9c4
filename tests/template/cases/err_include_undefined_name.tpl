{% include nothing %}
