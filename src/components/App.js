import { useCallback, useEffect, useState } from '@wordpress/element';
import { Notice, Spinner, TabPanel } from '@wordpress/components';
import { __ } from '@wordpress/i18n';

import { api, errorMessage } from '../api';
import ConnectionTab from './ConnectionTab';
import RulesTab from './RulesTab';
import MappingTab from './MappingTab';
import LogTab from './LogTab';
import PreviewTab from './PreviewTab';
import SetupChecklist from './SetupChecklist';
import { setupSteps } from '../setup';

const TAB_NAMES = ['connection', 'rules', 'mapping', 'log', 'preview'];

function initialTab() {
	const hash =
		typeof window !== 'undefined' && window.location ? window.location.hash.replace('#', '') : '';
	return TAB_NAMES.includes(hash) ? hash : 'connection';
}

function oauthNotice(result) {
	if (!result) {
		return null;
	}
	return (
		<Notice
			status={result.ok ? 'success' : 'error'}
			isDismissible={false}
			className="shopbooks-oauth-result"
		>
			{result.message ||
				(result.ok
					? __('The connection was authorized.', 'shopbooks')
					: __('The connection was not authorized.', 'shopbooks'))}
		</Notice>
	);
}

/**
 * The Shopbooks settings page: one TabPanel with Connection, Rules, Mapping, Log and Preview.
 *
 * @param {Object} props
 * @param {Object} props.boot `window.shopbooksSettings` as printed by the plugin.
 */
export default function App({ boot }) {
	const [settings, setSettings] = useState(null);
	const [connections, setConnections] = useState(null);
	const [loadError, setLoadError] = useState(null);
	const [tabOpen, setTabOpen] = useState({ name: initialTab(), n: 0 });
	const goToTab = useCallback((name) => {
		if (window.history && window.history.replaceState) {
			window.history.replaceState(null, '', `#${name}`);
		}
		setTabOpen((t) => ({ name, n: t.n + 1 }));
	}, []);

	const reloadConnections = useCallback(
		() =>
			api.connections().then((c) => {
				setConnections(c);
				return c;
			}),
		[],
	);

	// A link to another tab of this page (a notice's "Open the Shopbooks log") changes only the hash.
	useEffect(() => {
		const onHash = () => {
			const name = window.location.hash.replace('#', '');
			if (TAB_NAMES.includes(name)) {
				setTabOpen((t) => ({ name, n: t.n + 1 }));
			}
		};
		window.addEventListener('hashchange', onHash);
		return () => window.removeEventListener('hashchange', onHash);
	}, []);

	useEffect(() => {
		let alive = true;
		Promise.all([api.getSettings(), api.connections()])
			.then(([s, c]) => {
				if (alive) {
					setSettings(s);
					setConnections(c);
				}
			})
			.catch((e) => alive && setLoadError(errorMessage(e)));
		return () => {
			alive = false;
		};
	}, []);

	if (loadError) {
		return (
			<Notice status="error" isDismissible={false}>
				{__('The Shopbooks settings could not be loaded:', 'shopbooks')} {loadError}
			</Notice>
		);
	}
	if (!settings || !connections) {
		return (
			<div className="shopbooks-loading">
				<Spinner /> {__('Loading settings…', 'shopbooks')}
			</div>
		);
	}

	const tabs = [
		{ name: 'connection', title: __('Connection', 'shopbooks') },
		{ name: 'rules', title: __('Rules', 'shopbooks') },
		{ name: 'mapping', title: __('Mapping', 'shopbooks') },
		{ name: 'log', title: __('Log', 'shopbooks') },
		{ name: 'preview', title: __('Preview', 'shopbooks') },
	].map((t) => ({ ...t, className: `shopbooks-tab-${t.name}` }));

	const setup = setupSteps(settings, connections);

	const renderTab = (tab) => {
		switch (tab.name) {
			case 'rules':
				return <RulesTab settings={settings} onSaved={setSettings} />;
			case 'mapping':
				return <MappingTab settings={settings} connections={connections} onSaved={setSettings} />;
			case 'log':
				return <LogTab setup={setup} onGoToTab={goToTab} />;
			case 'preview':
				return <PreviewTab settings={settings} />;
			default:
				return (
					<ConnectionTab
						boot={boot}
						settings={settings}
						connections={connections}
						onSettingsSaved={setSettings}
						reloadConnections={reloadConnections}
						setConnections={setConnections}
					/>
				);
		}
	};

	return (
		<div className="shopbooks-settings">
			{oauthNotice(boot && boot.oauthResult)}
			{!setup.ready ? <SetupChecklist setup={setup} onGoToTab={goToTab} /> : null}
			<TabPanel
				key={`${tabOpen.name}-${tabOpen.n}`}
				className="shopbooks-tabs"
				activeClass="is-active"
				tabs={tabs}
				initialTabName={tabOpen.name}
				onSelect={(name) => {
					if (window.history && window.history.replaceState) {
						window.history.replaceState(null, '', `#${name}`);
					}
				}}
			>
				{(tab) => <div className="shopbooks-tab-content">{renderTab(tab)}</div>}
			</TabPanel>
		</div>
	);
}
