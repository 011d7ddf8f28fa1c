// Studio's language for the bundle's own strings: the app's vue-i18n locale (the signed-in user's language, or the
// project default), shared with app extensions. Called by every top-level entry component before it renders.
import { watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { setLocale } from '../shared/messages.js';

export function useStudioLocale() {
	try {
		const { locale } = useI18n({ useScope: 'global' });
		setLocale(String(locale.value));
		watch(locale, (value) => setLocale(String(value)));
	} catch {
		// Rendered outside Studio's app (no i18n installed): the page's language, then English.
	}
}
