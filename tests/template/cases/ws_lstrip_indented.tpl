<ul>
    {% for r in results.results %}
    <li>{{ r.plugin }}</li>
        {% if r.md5 %}
        <li class="hash">{{ r.md5 }}</li>
        {% endif %}
    {% endfor %}
</ul>
