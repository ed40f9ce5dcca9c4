<html><body>
<h1>stoQ results &mdash; TLP:{{ results.tlp|default('white', true)|upper|e }}</h1>
<table>
{% for r in results.results %}
  <tr class="{{ loop.cycle('odd', 'even') }}">
    <td>{{ r.payload_id }}</td>
    <td title="{{ r.path|default('')|e }}">{{ r.filename|default('(none)', true)|e }}</td>
    <td>{{ r.plugin|e }}</td>
  </tr>
{% endfor %}
</table>
</body></html>
