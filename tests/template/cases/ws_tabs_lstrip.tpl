start
	{% if true %}
	inside tab
		{% endif %}
 	 {% for i in [1] %}{{ i }}{% endfor %}
end
