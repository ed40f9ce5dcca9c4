<ul>
  {% for e in results.errors|default([]) %}
    <li>{{ e }}</li>
  {% else %}
    <li>none</li>
  {% endfor %}
</ul>
