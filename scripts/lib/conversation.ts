import type { TranscriptSegment } from '../../src/lib/transcript';
import type { Rng } from './random';

/**
 * Short, plausible conversations for text channels (message_body) and voice transcriptions.
 * Topics follow the queue's name so a Billing row reads like a billing conversation when a
 * supervisor opens it.
 */

export type Speaker = 'agent' | 'customer';

export interface Line {
	speaker: Speaker;
	text: string;
}

/** One exchange: what the customer says, what the agent answers. */
type Exchange = readonly [customer: string, agent: string];

/** Exchanges are written as 'customer | agent' so each stays on one line under the formatter. */
function exchanges(...texts: string[]): Exchange[] {
	return texts.map((text) => {
		const [customer, agent] = text.split(' | ');
		return [customer, agent] as const;
	});
}

const topics: Record<string, readonly Exchange[]> = {
	billing: exchanges(
		'Hi, my invoice this month is higher than usual. | I see a one-off charge on it, let me check what it is.',
		'I think I was charged twice for the same month. | You are right, there are two payments. I will refund the second one.',
		'Can I change the date my direct debit is taken? | Yes, any day between the 1st and the 28th. Which day suits you?',
		'Why is there a late fee? I paid on time. | The payment reached us a day late, but I can waive the fee this once.'
	),
	sales: exchanges(
		'I would like to know more about your premium plan. | Of course. It includes priority support and twice the allowance.',
		'Is there a discount if I sign up for a year? | Yes, paying yearly saves you two months compared to monthly.',
		'Can I add a second line to my account? | Sure, a second line is half price when it shares the account.'
	),
	support: exchanges(
		'My internet keeps dropping every few minutes. | Let me run a line test. Can you restart the router for me?',
		'I cannot log in to the app since the update. | Please clear the app cache; I have also reset your session.',
		'The device shows a red light and nothing works. | That means no signal. I will book a technician for tomorrow.'
	),
	retention: exchanges(
		'I want to cancel my contract. | I am sorry to hear that. May I ask what made you decide?',
		'Another provider offered me a better price. | I can match that and add three months at no charge.',
		'Your service has been unreliable lately. | I understand. I will credit last month and escalate the fault.'
	),
	appointments: exchanges(
		'I need to reschedule my appointment on Thursday. | No problem. Friday at 10:30 or Monday at 9:00 are open.',
		'Can I see Dr. Patel sooner? It is getting worse. | I can offer a slot this afternoon at 4:15.',
		'Do I need to bring anything to my first visit? | Your insurance card, a photo ID and a list of medications.'
	),
	pharmacy: exchanges(
		'My prescription refill has not arrived yet. | It shipped yesterday; the tracking shows delivery tomorrow.',
		'Is the generic version covered by my plan? | Yes, the generic is covered with a lower copay.'
	),
	cards: exchanges(
		'My card was declined at a shop today. | I see a security hold. I have released it, please try again.',
		'I lost my debit card this morning. | I have blocked it and ordered a replacement to your address.',
		'Can I raise my credit card limit? | You qualify for an increase; I have submitted the request.'
	),
	fraud: exchanges(
		'There is a transaction I do not recognise. | I have flagged it and blocked the card while we investigate.',
		'I got a text asking for my PIN, was that you? | No, we never ask for your PIN. Please ignore that message.'
	),
	loans: exchanges(
		'What documents do you need for a home loan? | Three months of salary slips, ID, and your bank statements.',
		'Can I prepay part of my personal loan? | Yes, with no penalty. Your EMI will go down from next month.'
	),
	general: exchanges(
		'I moved house and need to update my address. | Done, your new address is on the account now.',
		'I have a question about my account. | Of course, I have your account open. What would you like to know?',
		'Can you send me a copy of my last statement? | I have emailed it to the address on file.'
	)
};

const topicKeywords: [RegExp, string][] = [
	[/bill|invoice|payment/i, 'billing'],
	[/sales|upgrade|offer/i, 'sales'],
	[/support|technical|repair/i, 'support'],
	[/retention|cancel|loyalty/i, 'retention'],
	[/appoint|nurse|member|clinic/i, 'appointments'],
	[/pharm/i, 'pharmacy'],
	[/card/i, 'cards'],
	[/fraud/i, 'fraud'],
	[/loan|mortgage/i, 'loans']
];

export function topicForQueue(queueName: string | null): string {
	for (const [pattern, topic] of topicKeywords)
		if (queueName && pattern.test(queueName)) return topic;
	return 'general';
}

const followUps: Exchange[] = [
	['Okay, how long will that take?', 'It should be done within two working days.'],
	['Will I get a confirmation?', 'Yes, you will receive an email in a few minutes.'],
	['Great, that helps a lot.', 'Happy to help. Is there anything else?']
];

export interface ConversationContext {
	company: string;
	agentFirstName: string;
	queueName: string | null;
	/** Voice calls open with the agent's greeting; text sessions with the customer's message. */
	voice: boolean;
}

/**
 * A whole conversation with strictly alternating speakers: voice calls have 5, 7 or 9 lines
 * (agent first), text sessions 6, 8 or 10 (customer first).
 */
export function conversation(rng: Rng, context: ConversationContext): Line[] {
	const exchanges = topics[topicForQueue(context.queueName)] ?? topics.general;
	const main = rng.pick(exchanges);
	const lines: Line[] = [];
	const say = (speaker: Speaker, text: string) => lines.push({ speaker, text });
	if (context.voice) {
		say('agent', `Thank you for calling ${context.company}, this is ${context.agentFirstName}.`);
		say('customer', main[0]);
	} else {
		say('customer', rng.pick(['Hi', 'Hello', 'Good morning']) + ', ' + lowerFirst(main[0]));
		say('agent', `Hi, this is ${context.agentFirstName} from ${context.company}. Let me look.`);
		say('customer', rng.pick(['Thanks.', 'Sure.', 'Okay, thank you.']));
	}
	say('agent', main[1]);
	// Consecutive follow-ups from a random start: never the same question twice.
	const first = rng.int(0, followUps.length - 1);
	for (let i = rng.int(0, 2); i > 0; i--) {
		const [customer, agent] = followUps[(first + i) % followUps.length];
		say('customer', customer);
		say('agent', agent);
	}
	// The goodbye needs the agent's question before it, or it comes from nowhere.
	const last = lines[lines.length - 1];
	if (!last.text.endsWith('?')) last.text += ' Anything else I can help with?';
	say('customer', rng.pick(['No, that is all. Thank you!', 'That is everything, thanks.']));
	say('agent', `Thank you for contacting ${context.company}. Have a good day.`);
	return lines;
}

/** "Hi, my invoice…" from "My invoice…", keeping the pronoun "I" upper case. */
function lowerFirst(text: string): string {
	if (/^I\b/.test(text)) return text;
	return text.charAt(0).toLowerCase() + text.slice(1);
}

export function formatLine(line: Line): string {
	return `${line.speaker === 'agent' ? 'Agent' : 'Customer'}: ${line.text}`;
}

/** message_body text: one "Speaker: text" line per message. */
export function messageBody(lines: readonly Line[]): string {
	return lines.map(formatLine).join('\n');
}

/** A segment as the PBX's speech-to-text job writes it: always a speaker and both times. */
export interface Segment extends TranscriptSegment {
	speaker: Speaker;
	start: number;
	end: number;
}

/**
 * Transcription segments laid over the speech turns of the recording, so the text lines up with
 * the audio when a user plays and reads at the same time. Lines beyond the turns are dropped.
 */
export function segmentsFor(
	lines: readonly Line[],
	turns: readonly { start: number; end: number }[]
): Segment[] {
	const count = Math.min(lines.length, turns.length);
	const segments: Segment[] = [];
	for (let i = 0; i < count; i++) {
		const { start, end } = turns[i];
		segments.push({
			speaker: lines[i].speaker,
			start: round1(start),
			end: round1(end),
			text: lines[i].text
		});
	}
	return segments;
}

function round1(seconds: number): number {
	return Math.round(seconds * 10) / 10;
}
