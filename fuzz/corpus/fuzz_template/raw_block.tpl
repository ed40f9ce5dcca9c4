{% raw %}
{{ results.tlp }} {% if x %}not a tag{% endif %} {# not a comment #}
{% endraw %}
tlp={{ results.tlp }} {% raw %}{{ literal }}{% endraw %}
