import { error } from '@sveltejs/kit';

/**
 * The one way a form action reads its body. SvelteKit refuses bodies of other content types
 * (415, worded by handleError with NOT_A_FORM) but lets text/plain through to the action, and
 * a multipart body can be broken: both made request.formData() throw, a 500. eslint keeps
 * routes from calling request.formData() themselves.
 */

const SEND_A_FORM = 'send it as application/x-www-form-urlencoded or multipart/form-data';

/** The message of SvelteKit's 415 for a form action posted with another content type. */
export const NOT_A_FORM = `This is not a form: ${SEND_A_FORM}`;

export async function formDataOr400(request: Request): Promise<FormData> {
	try {
		return await request.formData();
	} catch (e) {
		// A body the parser cannot read is a TypeError; anything else (a body over the size
		// limit: 413) keeps its own status.
		if (!(e instanceof TypeError)) throw e;
		error(400, `The form could not be read: ${SEND_A_FORM}`);
	}
}
